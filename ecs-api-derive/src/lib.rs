//! Derives for ecs-api request types.
