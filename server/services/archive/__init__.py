"""The archive: sealing dossiers as BagIt packages, four-property checks, export and import."""
