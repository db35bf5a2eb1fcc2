"""FR sites: the deployments an organisation registers, under the law's rules."""
