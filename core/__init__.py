"""What every stage shares and that imports nothing of Pantau: settings, value types, errors."""
