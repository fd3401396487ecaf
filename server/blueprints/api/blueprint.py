"""The API's Blueprint, alone in its module so that the route modules import it without importing
the package, which imports them to register their routes."""

from flask import Blueprint

bp = Blueprint("api", __name__)
