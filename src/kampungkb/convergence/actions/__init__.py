"""The district's convergence actions (8 aksi; from 2025 4 main + 2 supporting), evidence."""
