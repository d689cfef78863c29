"""Event-store plumbing: the seam over eventsourcing, the write loop, the append
path, engines and locks.
"""
