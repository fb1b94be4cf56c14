"""Reliability suites: injected HTTP faults, crashes, fuzzing, concurrent processes."""
