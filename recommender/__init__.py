"""The recommender: rows for the home page now; SVD training, artifacts and scoring later."""
