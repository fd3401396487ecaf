"""Administration: the service catalogue and the accounts, each change audited.

The admin API, the admin pages and the catalogue spreadsheet import all go
through these functions, so a change made any way is checked and recorded the
same way.
"""
