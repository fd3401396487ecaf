"""The intake workflow (一窗受理): applying, review at the window, routing, decisions, completion."""
