"""The generic projection engine: runner, guarded apply, tracking, operations
(rebuild, verify, status) and the view interface handlers write through.
"""
