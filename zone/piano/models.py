"""Piano di zona."""
