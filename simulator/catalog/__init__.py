"""The synthetic catalogue: the vocabulary, the feature space, the people pool, the title words
and the generator that writes titles with their hidden ground truth (the lowest part: it imports
neither simulator.viewers nor simulator.studies)."""
