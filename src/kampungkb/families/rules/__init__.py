"""The KRS rule sets page: reading them, editing one as a new version, and the background
recompute of every round's labels that follows."""
