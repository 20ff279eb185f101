"""Build, store, query and export the ILO development cooperation knowledge graph (no HTTP here)."""
