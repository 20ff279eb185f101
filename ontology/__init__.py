"""The vocabulary: OWL/RDFS terms and SHACL shapes as Turtle, and the namespace module naming each term once."""
