"""The stores: the one reader of users' SPARQL, result formats, the embedded Oxigraph store, the sandbox of
killable workers that runs users' queries, and a SPARQL 1.1 server as a store."""
