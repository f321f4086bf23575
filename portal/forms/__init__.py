"""Forms only the secretary portal shows; forms shared with the admin stay in their app."""
