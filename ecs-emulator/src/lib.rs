//! A local ECS endpoint.
