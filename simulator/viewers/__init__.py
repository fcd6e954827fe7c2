"""The simulated viewers: the behaviour rules, the population, the world they see, sessions,
discovery and the simulated days (imports simulator.catalog, never simulator.studies)."""
