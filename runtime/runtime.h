// The runtime library: plan, scheduler, processes, logs, run store.
