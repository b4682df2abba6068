"""`python -m devtools.sampledata ...`: write the sample register into a directory."""

from devtools.sampledata import main

if __name__ == "__main__":
    raise SystemExit(main())
