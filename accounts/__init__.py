"""Users, roles, sign-in and the access decorators every other area uses."""
