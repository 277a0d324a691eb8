from tokencensus.cli import main

# Guarded: ingest's worker processes re-import the main module under another name.
if __name__ == "__main__":
    main()
