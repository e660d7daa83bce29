"""The SIRENE register (INSEE): company lookup by SIRET. See client.py."""
