"""Sub-commands of the `courtops` CLI: one module each, each with ``register(subparsers)``."""
