//! `cargo xtask regen [--check] [--docs DIR --out DIR]`, `cargo xtask rules [--op X] [--kind K]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask regen [--check] [--deny-breaking] [--docs DIR --out DIR [--product P] [--version V]]

  regen                   parse spec/docs/ecs, write spec/ecs/*.json and ecs-api/src/generated
  regen --check           write nothing; fail if any generated file is stale
  regen --docs D --out O  run the pipeline on any folder of reference docs: specs, report.json
                          and a standalone crate for the pages' product under O
  --product P, --version V  the service of pages whose Debugging section has no OpenAPI Explorer
                          link (a page's own link wins)
  --deny-breaking         fail (writing nothing) when a spec change would break users
  --timings               print the wall time of each phase (workspace regen)

       cargo xtask rules [--op OPERATION] [--kind KIND]
                          print every rule of spec/ecs with the sentence it was read from
                          (KIND: length, charset, enum, exclusive, ...) for review";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    if cmd == "rules" {
        return rules(rest);
    }
    if cmd != "regen" {
        eprintln!("unknown command `{cmd}`\n{USAGE}");
        return Ok(ExitCode::from(2));
    }
    let mut check = false;
    let mut deny_breaking = false;
    let mut timings = false;
    let mut docs = None;
    let mut out = None;
    let mut hint = codegen::ServiceHint::default();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--deny-breaking" => deny_breaking = true,
            "--timings" => timings = true,
            "--docs" => docs = Some(PathBuf::from(it.next().ok_or("--docs needs a folder")?)),
            "--out" => out = Some(PathBuf::from(it.next().ok_or("--out needs a folder")?)),
            "--product" => hint.product = Some(it.next().ok_or("--product needs a code")?.clone()),
            "--version" => hint.version = Some(it.next().ok_or("--version needs a date")?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let started = Instant::now();
    match (docs, out) {
        (Some(docs), Some(out)) => {
            let ok = xtask::standalone::run(&docs, &out, &hint, check, deny_breaking)
                .map_err(|e| e.to_string())?;
            eprintln!("regen took {:.0?}", started.elapsed());
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        (None, None) if hint != codegen::ServiceHint::default() => {
            Err("--product and --version go with --docs: the workspace's pages are ECS".into())
        }
        (None, None) => workspace(check, deny_breaking, timings, started),
        _ => Err("--docs and --out go together".into()),
    }
}

fn rules(args: &[String]) -> Result<ExitCode, String> {
    let mut filter = xtask::rules::Filter::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--op" => filter.op = Some(it.next().ok_or("--op needs an operation")?.clone()),
            "--kind" => filter.kind = Some(it.next().ok_or("--kind needs a rule kind")?.clone()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let listing =
        xtask::rules::listing(&xtask::workspace_root(), &filter).map_err(|e| e.to_string())?;
    print!("{listing}");
    Ok(ExitCode::SUCCESS)
}

fn workspace(
    check: bool,
    deny_breaking: bool,
    timings: bool,
    started: Instant,
) -> Result<ExitCode, String> {
    let root = xtask::workspace_root();
    let plan = xtask::plan_workspace(&root).map_err(|e| e.to_string())?;
    for line in &plan.summary {
        println!("{line}");
    }
    if !plan.lints.is_empty() {
        println!("lints:");
        for l in &plan.lints {
            println!("  {l}");
        }
    }
    let t = Instant::now();
    let drift = xtask::drift(&plan);
    let reports = xtask::change_reports(&plan);
    if timings {
        let mut phases = plan.timings.clone();
        phases.push(("compare", t.elapsed()));
        let shown: Vec<String> = phases
            .iter()
            .map(|(what, d)| format!("{what} {} ms", d.as_millis()))
            .collect();
        println!("timings: {}", shown.join(", "));
    }
    if !reports.is_empty() {
        println!("API changes:");
        for r in &reports {
            print!("{}", r.render());
        }
    }
    if deny_breaking && reports.iter().any(|r| r.is_breaking()) {
        eprintln!("breaking API changes (see above); rerun without --deny-breaking to accept them");
        return Ok(ExitCode::FAILURE);
    }
    let show = |p: &PathBuf| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    if check {
        if drift.is_empty() {
            println!("generated files are up to date ({:.0?})", started.elapsed());
            return Ok(ExitCode::SUCCESS);
        }
        for p in &drift.changed {
            eprintln!("stale: {}", show(p));
        }
        for p in &drift.missing {
            eprintln!("missing: {}", show(p));
        }
        for p in &drift.stale {
            eprintln!("no longer generated: {}", show(p));
        }
        eprintln!("generated files are out of date: run `cargo xtask regen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    xtask::apply(&plan, &drift).map_err(|e| e.to_string())?;
    for p in drift.changed.iter().chain(&drift.missing) {
        println!("wrote {}", show(p));
    }
    for p in &drift.stale {
        println!("deleted {}", show(p));
    }
    println!(
        "regen done: {} files, {} changed ({:.0?})",
        plan.files.len(),
        drift.changed.len() + drift.missing.len() + drift.stale.len(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}
