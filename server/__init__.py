"""OneWindow web server: app factory (server.app), blueprints, models, jobs and the CLI."""
