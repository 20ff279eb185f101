"""HTTP service, HTML pages and the command line on top of the graph package."""
