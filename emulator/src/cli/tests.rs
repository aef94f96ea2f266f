use super::*;

fn run(args: &[&str]) -> Result<Config, String> {
    match parse_args(args.iter().map(|s| (*s).to_owned())).map_err(|e| e.message)? {
        Command::Run(c) => Ok(*c),
        Command::Help(_) => Err("help".into()),
        Command::Version(_) => Err("version".into()),
    }
}

#[test]
fn the_readme_command_line() {
    let c = run(&["--port", "8080", "--webhook", "1:secret"]).unwrap();
    assert_eq!(c.port, 8080);
    assert_eq!(
        (c.webhooks[0].user_id, c.webhooks[0].secret.as_str()),
        (1, "secret")
    );
    let c = run(&[
        "--port=0",
        "--webhook",
        "2:s3:crm,user",
        "--rate-limit",
        "off",
        "--fault",
        "drop_after=0.5@crm.deal.add",
    ])
    .unwrap();
    assert_eq!(
        c.webhooks[0].scopes,
        Some(vec!["crm".to_owned(), "user".to_owned()])
    );
    assert!(c.rate_limit.is_none());
    assert!((c.faults.methods["crm.deal.add"].drop_after - 0.5).abs() < f64::EPSILON);
}

#[test]
fn bad_arguments_say_what_is_wrong() {
    assert_eq!(run(&["--port"]).unwrap_err(), "--port needs a value");
    assert_eq!(
        run(&["--port", "x"]).unwrap_err(),
        "--port: `x` is not a valid number"
    );
    assert!(run(&["--webhook", "one:s"])
        .unwrap_err()
        .contains("numeric user"));
    assert!(run(&["--webhook", "1:"]).unwrap_err().contains("secret"));
    assert!(run(&["--fault", "boom=0.1"])
        .unwrap_err()
        .contains("unknown kind `boom`"));
    assert!(run(&["--fault", "slow=2"]).unwrap_err().contains("above 1"));
    assert!(run(&["--rate-limit", "50"])
        .unwrap_err()
        .contains("BURST/DRAIN"));
    assert!(run(&["--frobnicate"])
        .unwrap_err()
        .contains("unknown argument `--frobnicate`"));
    assert_eq!(run(&["--help"]).unwrap_err(), "help");
}

#[test]
fn no_arguments_is_the_default_config() {
    let (c, d) = (run(&[]).unwrap(), Config::default());
    // Debug leaves the secrets out; they are compared one by one.
    assert_eq!(format!("{c:?}"), format!("{d:?}"));
    assert_eq!(c.webhooks, d.webhooks);
    assert_eq!(c.oauth, d.oauth);
}

#[test]
fn every_flag_sets_its_field() {
    let c = run(&[
        "--host",
        "::1",
        "--webhook",
        "1:a",
        "--webhook=2:b:crm",
        "--fixtures",
        "f.json",
        "--state",
        "s.json",
        "--rate-limit",
        "10/0.5",
        "--operating-budget",
        "100",
        "--operating-cost",
        "0",
        "--method-cost",
        "crm.deal.add=2.5",
        "--method-cost",
        "crm.deal.get=0.1",
        "--token-lifetime",
        "60",
        "--client-id",
        "id",
        "--client-secret",
        "cs",
        "--application-token",
        "at",
        "--fault",
        "slow=0.25",
        "--fault",
        "burst_503=1@CRM.Deal.Get",
        "--fault-seed",
        "7",
        "--slow-ms",
        "150",
        "--burst-len",
        "3",
        "--port",
        "1",
        "--port",
        "2",
    ])
    .unwrap();
    assert_eq!((c.host.to_string(), c.port), ("::1".to_owned(), 2));
    let hooks: Vec<_> = c.webhooks.iter().map(|w| (w.user_id, &*w.secret)).collect();
    assert_eq!(hooks, [(1, "a"), (2, "b")]);
    assert_eq!(c.fixtures, Some(PathBuf::from("f.json")));
    assert_eq!(c.state_file, Some(PathBuf::from("s.json")));
    assert_eq!(
        c.rate_limit,
        Some(RateLimit {
            burst: 10.0,
            drain_per_sec: 0.5
        })
    );
    assert_eq!(
        (c.operating.budget_secs, c.operating.cost_secs),
        (100.0, 0.0)
    );
    assert_eq!(
        c.operating.method_costs,
        [
            ("crm.deal.add".to_owned(), 2.5),
            ("crm.deal.get".to_owned(), 0.1)
        ]
    );
    assert_eq!(c.oauth.access_token_lifetime, Duration::from_secs(60));
    assert_eq!(
        (
            &*c.oauth.client_id,
            &*c.oauth.client_secret,
            &*c.oauth.application_token
        ),
        ("id", "cs", "at")
    );
    assert_eq!(c.faults.global.slow, 0.25);
    assert_eq!(c.faults.methods["crm.deal.get"].burst_503, 1.0);
    assert_eq!(c.faults.seed, 7);
    assert_eq!(c.faults.slow_delay, Duration::from_millis(150));
    assert_eq!(c.faults.burst_len, 3);
}

#[test]
fn values_are_checked() {
    for (args, message) in [
        (
            &["--host", "nowhere"][..],
            "--host: `nowhere` is not an IP address",
        ),
        (
            &["--operating-cost", "-1"],
            "--operating-cost: `-1` must be a non-negative number",
        ),
        (
            &["--method-cost", "crm.deal.add"],
            "--method-cost: expected METHOD=SECS, got `crm.deal.add`",
        ),
        (
            &["--rate-limit", "5/x"],
            "--rate-limit: `x` is not a valid number",
        ),
        (
            &["--fault", "slow"],
            "--fault: expected KIND=RATE[@METHOD], got `slow`",
        ),
        (
            &["--burst-len", "-2"],
            "--burst-len: `-2` is not a valid number",
        ),
    ] {
        assert_eq!(run(args).unwrap_err(), message, "{args:?}");
    }
}

#[test]
fn help_lists_every_option_and_version_is_the_crate_s() {
    let Ok(Command::Help(help)) = parse_args(["--help"]) else {
        panic!("--help is help");
    };
    for flag in [
        "--port <N>",
        "--host <ADDR>",
        "--webhook <USER:SECRET[:SCOPES]>",
        "--fixtures <FILE>",
        "--state <FILE>",
        "--rate-limit <BURST/DRAIN|off>",
        "[default: 50/2]",
        "--operating-budget <SECS>",
        "--operating-cost <SECS>",
        "--method-cost <METHOD=SECS>",
        "--token-lifetime <SECS>",
        "--client-id <ID>",
        "--client-secret <SECRET>",
        "--application-token <TOKEN>",
        "--fault <KIND=RATE[@METHOD]>",
        "--fault-seed <N>",
        "--slow-ms <N>",
        "--burst-len <N>",
        "The first line printed is the base URL",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    let Ok(Command::Version(version)) = parse_args(["-V"]) else {
        panic!("-V is the version");
    };
    assert_eq!(
        version,
        format!("bitrix24-emulator {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_realistic_profile_and_its_knobs() {
    let c = run(&[
        "--profile",
        "realistic",
        "--generate-deals",
        "1000000",
        "--time-scale",
        "0.01",
        "--generate-seed",
        "9",
    ])
    .unwrap();
    assert_eq!(c.profile, Profile::Realistic);
    assert_eq!(c.cost, crate::profile::CostModel::realistic());
    assert_eq!(c.operating.cost_secs, 0.0);
    assert_eq!(
        (c.generate_deals, c.generate_seed, c.time_scale),
        (Some(1_000_000), 9, 0.01)
    );
    // An explicit charge is kept, whatever the profile.
    let c = run(&["--operating-cost", "0.5", "--profile=realistic"]).unwrap();
    assert_eq!(c.operating.cost_secs, 0.5);
    let fast = run(&["--profile", "fast"]).unwrap();
    assert_eq!(format!("{fast:?}"), format!("{:?}", Config::default()));
}

#[test]
fn bad_profile_scale_and_counts_say_what_is_wrong() {
    assert_eq!(
        run(&["--profile", "nope"]).unwrap_err(),
        "--profile: unknown profile `nope` (fast or realistic)"
    );
    assert_eq!(
        run(&["--time-scale", "0"]).unwrap_err(),
        "--time-scale: `0` must be a positive number"
    );
    assert_eq!(
        run(&["--time-scale", "-1"]).unwrap_err(),
        "--time-scale: `-1` must be a positive number"
    );
    assert_eq!(
        run(&["--time-scale", "inf"]).unwrap_err(),
        "--time-scale: `inf` must be a positive number"
    );
    assert_eq!(
        run(&["--time-scale", "fast"]).unwrap_err(),
        "--time-scale: `fast` is not a valid number"
    );
    assert_eq!(
        run(&["--generate-deals", "x"]).unwrap_err(),
        "--generate-deals: `x` is not a valid number"
    );
    assert_eq!(
        run(&["--generate-deals", "-5"]).unwrap_err(),
        "--generate-deals: `-5` is not a valid number"
    );
    assert_eq!(
        run(&["--generate-seed", "1.5"]).unwrap_err(),
        "--generate-seed: `1.5` is not a valid number"
    );
    assert_eq!(
        run(&["--generate-deals"]).unwrap_err(),
        "--generate-deals needs a value"
    );
}
