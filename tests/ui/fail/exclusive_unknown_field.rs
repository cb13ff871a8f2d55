#[derive(ecs_api::Validate)]
#[ecs(exclusive(disk_ids, exclude_disk_ids))]
struct Input {
    #[ecs(wire = "DiskId")]
    disk_ids: Vec<String>,
}

fn main() {}
