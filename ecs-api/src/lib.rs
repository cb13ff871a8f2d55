//! Client for the Alibaba Cloud ECS API.
