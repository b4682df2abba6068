"""The register importer: sources, cell parsers, loaders and the report.

`register.importer.import_files` runs an import; `register.sources` finds and reads files
and sheets, `register.cells` parses cells (pure: importing it loads nothing but `domain`,
which is why this package re-exports nothing), `register.contracts`, `register.members` and
`register.payments` load each kind on the base in `register.loader`, `register.bulk` holds
the bulk SQL, and `register.report` says what happened. The `import` command is in `web.cli`.
"""
