"""Engine: the sequencer, jobs, what to remake, the state, the stores, the writer and the lock."""
