"""Reading the graph for people: named questions, resources and their links, paths, and the overview pages
rest on. Plain data for any presentation (JSON, HTML, the command line)."""
