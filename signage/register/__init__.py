"""The public register of deployments: every site with a published notice, searchable, as pages and as
open data."""
