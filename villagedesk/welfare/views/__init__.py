"""Welfare's pages, one module per concern. Each view authenticates, reads through
`welfare.selectors`, binds a form, calls a service and renders or redirects; nothing more."""
