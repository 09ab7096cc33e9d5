"""Each role's home page, where a signed-in person lands."""
