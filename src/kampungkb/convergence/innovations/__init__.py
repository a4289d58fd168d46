"""The innovations register of the desa."""
