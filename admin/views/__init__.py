"""Flask-Admin views, one module per area."""
