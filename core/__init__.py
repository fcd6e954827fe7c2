"""The StreamSim domain: settings, database, models and services. Imports no Flask or Surprise."""
