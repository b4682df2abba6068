"""The register importer: sources, cell parsers, loaders and the report."""
