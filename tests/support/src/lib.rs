//! Starts and stops OpenIPMI `ipmi_sim` simulators for the integration tests.
//!
//! Every [`Simulator`] is one `ipmi_sim` process serving the Dell-like machine
//! described in `tests/sim/` (see `tests/sim/README.md`) on its own UDP port
//! of 127.0.0.1, with its own temporary state directory.  It is stopped and
//! its directory removed when the value is dropped:
//!
//! ```no_run
//! let sim = ipmi_test_support::Simulator::start();
//! let target = sim.target(); // "127.0.0.1:PORT"
//! // ... talk IPMI to `target` as admin/password ...
//! sim.console("sensor_set_value 0x20 0 0x30 0x02 1"); // Fan1 -> 240 RPM, with events
//! ```
//!
//! Setup failures (no `ipmi_sim` installed, a broken configuration, no
//! answer within the timeout) panic with a message that says what to do:
//! a test that needs a simulator fails, it is never skipped.
//!
//! How it works:
//! * Ports: a free port is obtained by binding a UDP socket to port 0; ports
//!   handed out in this process are remembered so parallel tests never share
//!   one.  `ipmi_sim` binds with `SO_REUSEADDR`, so a clash with another
//!   process's `ipmi_sim` would not fail the bind: after start-up the port
//!   is checked in `/proc/net/udp{,6}` and the simulator is restarted on a new
//!   port when another socket holds it too.  A bind failure is retried the
//!   same way.
//! * Readiness: the simulator is ready when it answers a pre-session IPMI 1.5
//!   "Get Channel Authentication Capabilities" request (no session needed).
//! * Console: `ipmi_sim` runs with its command console on stdin (no `-n`),
//!   which [`Simulator::console`] uses to run `ipmi_sim` commands (`man
//!   ipmi_sim_cmd`).  Because `ipmi_sim` exits when that console is closed, a
//!   simulator also ends when the test process dies without running `Drop`.
//! * SEL clock: `ipmi_sim` starts its SEL clock at the host's uptime; by
//!   default it is set to the current time right after start-up (IPMI 1.5
//!   session, straight-password authentication, implemented here with std
//!   only), so entries added at run time carry real timestamps.  The initial
//!   SEL entries have fixed timestamps either way.
//!
//! Environment: `IPMI_SIM` overrides the `ipmi_sim` executable;
//! `IPMI_TEST_SIM_KEEP=1` keeps the simulators' temporary directories.

// A test harness reports set-up failures by panicking.
#![allow(clippy::panic, clippy::expect_used)]

pub mod exporter_bin;
pub mod fault_proxy;
pub mod hostile;
pub mod tools;
pub mod virtual_bmc;

pub use virtual_bmc::VirtualBmc;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Account with ADMINISTRATOR privilege on every simulator.
pub const ADMIN_USER: &str = "admin";
/// Password of [`ADMIN_USER`].
pub const ADMIN_PASSWORD: &str = "password";

/// Absolute path of the simulator configuration directory `tests/sim`.
pub fn sim_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("CARGO_MANIFEST_DIR of tests/support has a parent")
        .join("sim")
}

/// A GUID in the IPMI specification's byte order (the 16 wire bytes
/// reversed, 8-4-4-4-12 lowercase hex), FreeIPMI's default rendering.
pub fn guid_ipmi_order(wire: &[u8; 16]) -> String {
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let mut rev = *wire;
    rev.reverse();
    let (a, rest) = rev.split_at(4);
    let (b, rest) = rest.split_at(2);
    let (c, rest) = rest.split_at(2);
    let (d, e) = rest.split_at(2);
    format!("{}-{}-{}-{}-{}", hex(a), hex(b), hex(c), hex(d), hex(e))
}

/// How to start a [`Simulator`]; `SimOptions::default()` is what
/// [`Simulator::start`] uses.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// `ipmi_sim` command file describing the machine.
    /// Default: `tests/sim/machine.emu`.
    pub emu_file: PathBuf,
    /// Load the initial SEL (`tests/sim/sel.persist`, 25 entries with fixed
    /// timestamps).  `false`: the SEL starts empty.  Default: `true`.
    pub initial_sel: bool,
    /// Install user 6 `longpass` with the 20-byte password
    /// `abcdefghijklmnopqrst` (`tests/sim/users.persist`).  Default: `true`.
    pub long_password_user: bool,
    /// Chassis power state reported at start.  Default: on.
    pub power_on: bool,
    /// Set the SEL clock to the current time once the simulator is up.
    /// Default: `true`.
    pub set_sel_clock: bool,
    /// Extra `lan.conf` lines inside the `startlan 1` block (for example
    /// `bmc_key ...`).  Default: none.
    pub lan_conf_lan_extra: String,
    /// Extra top-level `lan.conf` lines.  Default: none.
    pub lan_conf_extra: String,
    /// `ipmi_sim` console commands run once the simulator is up (for example
    /// `sensor_set_value 0x20 0 0x30 0x02 0`).  Default: none.
    pub commands: Vec<String>,
    /// How long to wait for the simulator to answer.  Default: 10 s.
    pub startup_timeout: Duration,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            emu_file: sim_dir().join("machine.emu"),
            initial_sel: true,
            long_password_user: true,
            power_on: true,
            set_sel_clock: true,
            lan_conf_lan_extra: String::new(),
            lan_conf_extra: String::new(),
            commands: Vec::new(),
            startup_timeout: Duration::from_secs(10),
        }
    }
}

/// One running `ipmi_sim` process on `127.0.0.1:port()`.
///
/// Dropping it stops the process (console closed and SIGTERM, SIGKILL after
/// 3 s) and removes its temporary directory.  `Simulator` is `Send + Sync`,
/// so one instance can be shared by several tests, e.g. in a `static
/// OnceLock<Simulator>` (never dropped: that simulator exits when the test
/// process ends and closes its console; its temporary directory stays).
#[derive(Debug)]
pub struct Simulator {
    port: u16,
    pid: u32,
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    output: Arc<Output>,
    console_lock: Mutex<()>,
    dir: Option<tempfile::TempDir>,
    dir_path: PathBuf,
    _port: PortReservation,
}

impl Simulator {
    /// Starts a simulator with the default [`SimOptions`].
    ///
    /// Panics (with instructions or the simulator's log) if it cannot start.
    pub fn start() -> Simulator {
        Simulator::start_with(SimOptions::default())
    }

    /// Starts a simulator with the given options.
    ///
    /// Panics (with instructions or the simulator's log) if it cannot start.
    pub fn start_with(opts: SimOptions) -> Simulator {
        let exe = ipmi_sim_executable();
        let sim = sim_dir();
        for f in [
            "lan.conf.in",
            "chassis-control.sh",
            "sel.persist",
            "users.persist",
        ] {
            if !sim.join(f).is_file() {
                panic!(
                    "simulator configuration file {} is missing",
                    sim.join(f).display()
                );
            }
        }
        if !opts.emu_file.is_file() {
            panic!(
                "ipmi_sim command file {} does not exist",
                opts.emu_file.display()
            );
        }
        const ATTEMPTS: usize = 8;
        let mut clashes = String::new();
        for _ in 0..ATTEMPTS {
            match try_start(&exe, &opts, reserve_port()) {
                Ok(s) => return s,
                Err(StartError::PortClash(why)) => {
                    clashes.push_str(&why);
                    clashes.push('\n');
                }
                Err(StartError::Fatal(msg)) => panic!("{msg}"),
            }
        }
        panic!("could not start ipmi_sim: {ATTEMPTS} port clashes in a row:\n{clashes}")
    }

    /// UDP address the simulator serves: `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port))
    }

    /// UDP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `"127.0.0.1:PORT"`, the form ipmi_exporter targets and FreeIPMI's
    /// `-h` take.
    pub fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Process id of the `ipmi_sim` process.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The simulator's temporary directory (`lan.conf`, `state/`, `chassis/`).
    pub fn dir(&self) -> &Path {
        &self.dir_path
    }

    /// Everything `ipmi_sim` printed so far (stdout and stderr: the echoed
    /// command file, console output and log messages), for failure messages.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&lock(&self.output.buf)).replace('\r', "")
    }

    /// Runs one `ipmi_sim` console command (see `man ipmi_sim_cmd`, e.g.
    /// `sensor_set_value 0x20 0 0x30 0x02 1`) and returns what it printed
    /// (empty on success for most commands; errors start with `**`).
    ///
    /// Panics if the simulator does not answer within 5 s.
    pub fn console(&self, cmd: &str) -> String {
        assert!(
            !cmd.contains(['\n', '\r', '\u{4}']),
            "console command must be one line: {cmd:?}"
        );
        let _serial = lock(&self.console_lock);
        let mark = lock(&self.output.buf).len();
        {
            let mut stdin = lock(&self.stdin);
            let Some(w) = stdin.as_mut() else {
                panic!("console of ipmi_sim on port {} is closed", self.port)
            };
            if let Err(e) = w
                .write_all(format!("{cmd}\n").as_bytes())
                .and_then(|()| w.flush())
            {
                panic!("console command {cmd:?} failed: {e}\nlog:\n{}", self.log());
            }
        }
        match self.output.wait_for_prompt(mark, Duration::from_secs(5)) {
            Some(out) => out,
            None => panic!(
                "ipmi_sim on port {} did not finish console command {cmd:?} within 5 s\nlog:\n{}",
                self.port,
                self.log()
            ),
        }
    }

    /// Sends one IPMI request over an IPMI 1.5 session as `admin`
    /// (straight-password authentication, ADMINISTRATOR privilege) and returns
    /// the response data starting with the completion code.  Independent of
    /// the code under test; meant for checking or preparing simulator state.
    pub fn raw_command(&self, netfn: u8, cmd: u8, data: &[u8]) -> Result<Vec<u8>, String> {
        lan15::command(self.addr(), ADMIN_USER, ADMIN_PASSWORD, netfn, cmd, data)
    }

    /// Sets the SEL clock (Set SEL Time) to `t`.
    pub fn set_sel_time(&self, t: SystemTime) -> Result<(), String> {
        let secs = t
            .duration_since(UNIX_EPOCH)
            .map_err(|e| format!("time before 1970: {e}"))?
            .as_secs();
        let secs = u32::try_from(secs).map_err(|_| format!("time {secs} beyond 2106"))?;
        let rsp = self.raw_command(0x0A, 0x49, &secs.to_le_bytes())?;
        match rsp.first() {
            Some(0) => Ok(()),
            other => Err(format!("Set SEL Time: completion code {other:02x?}")),
        }
    }

    /// Sessions the simulator holds for other clients now: "currently
    /// active sessions" of Get Session Info (IPMI v2.0 §22.20), minus the
    /// IPMI 1.5 session this query opens for itself (and closes).
    pub fn active_sessions(&self) -> Result<u32, String> {
        let rsp = self.raw_command(0x06, 0x3D, &[0x00])?;
        match (rsp.first(), rsp.get(3)) {
            (Some(0), Some(active)) => Ok(u32::from(active & 0x3F).saturating_sub(1)),
            (Some(0), None) => Err(format!("Get Session Info: short answer {rsp:02x?}")),
            (cc, _) => Err(format!("Get Session Info: completion code {cc:02x?}")),
        }
    }

    /// Current chassis power state as the chassis control script keeps it.
    pub fn power_is_on(&self) -> bool {
        std::fs::read_to_string(self.dir_path.join("chassis").join("power"))
            .map(|s| s.trim() != "0")
            .unwrap_or(true)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // Closing the console makes ipmi_sim shut down by itself ...
        drop(lock(&self.stdin).take());
        let child = self.child.get_mut().unwrap_or_else(PoisonError::into_inner);
        if matches!(child.try_wait(), Ok(None)) {
            // ... and SIGTERM (via kill(1): std can only SIGKILL) makes sure.
            let _ = Command::new("kill")
                .args(["-TERM", &self.pid.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.kill();
            }
        }
        let _ = child.wait();
        if let Some(dir) = self.dir.take() {
            if std::env::var_os("IPMI_TEST_SIM_KEEP").is_some_and(|v| v != "0") {
                let kept = dir.keep();
                eprintln!(
                    "ipmi-test-support: kept simulator directory {}",
                    kept.display()
                );
            }
        }
    }
}

enum StartError {
    /// Another socket holds the port: retry with a different one.
    PortClash(String),
    Fatal(String),
}

fn try_start(
    exe: &Path,
    opts: &SimOptions,
    port: PortReservation,
) -> Result<Simulator, StartError> {
    let fatal = StartError::Fatal;
    let sim = sim_dir();
    let dir = tempfile::Builder::new()
        .prefix("ipmi-sim-")
        .tempdir()
        .map_err(|e| fatal(format!("cannot create a temporary directory: {e}")))?;
    let dir_path = dir.path().to_path_buf();
    let name = "bmc";
    let state = dir_path.join("state");
    let persist = state.join("ipmi_sim").join(name);
    let chassis = dir_path.join("chassis");
    let io = |what: &str, e: std::io::Error| fatal(format!("{what}: {e}"));
    std::fs::create_dir_all(&persist).map_err(|e| io("create state dir", e))?;
    std::fs::create_dir_all(&chassis).map_err(|e| io("create chassis dir", e))?;
    if opts.initial_sel {
        std::fs::copy(sim.join("sel.persist"), persist.join("sel.20"))
            .map_err(|e| io("copy sel.persist", e))?;
    }
    if opts.long_password_user {
        std::fs::copy(sim.join("users.persist"), persist.join("users.mc20"))
            .map_err(|e| io("copy users.persist", e))?;
    }
    std::fs::write(
        chassis.join("power"),
        if opts.power_on { "1\n" } else { "0\n" },
    )
    .map_err(|e| io("write chassis state", e))?;

    let script = sim.join("chassis-control.sh");
    for p in [&script, &chassis] {
        let s = p.to_string_lossy();
        if s.contains(['\'', '"', '\n']) {
            return Err(fatal(format!(
                "path {s:?} contains a quote or newline, which lan.conf cannot carry; \
                 set TMPDIR or move the checkout"
            )));
        }
    }
    let seq = INSTANCE_COUNTER.fetch_add(1, Ordering::Relaxed);
    let guid = format!(
        "4c4c4544{:04x}{:04x}8053b7c04f{:06x}",
        port.0,
        std::process::id() & 0xFFFF,
        seq & 0xFF_FFFF
    );
    let template =
        std::fs::read_to_string(sim.join("lan.conf.in")).map_err(|e| io("read lan.conf.in", e))?;
    let lan_conf = template
        .replace("@NAME@", name)
        .replace("@ADDR@", "127.0.0.1")
        .replace("@PORT@", &port.0.to_string())
        .replace("@GUID@", &guid)
        .replace(
            "@CHASSIS@",
            &format!("/bin/sh '{}' '{}'", script.display(), chassis.display()),
        )
        .replace("@LAN_EXTRA@", &opts.lan_conf_lan_extra)
        .replace("@EXTRA@", &opts.lan_conf_extra);
    let lan_conf_path = dir_path.join("lan.conf");
    std::fs::write(&lan_conf_path, lan_conf).map_err(|e| io("write lan.conf", e))?;

    let mut child = Command::new(exe)
        .arg("-c")
        .arg(&lan_conf_path)
        .arg("-f")
        .arg(&opts.emu_file)
        .arg("-s")
        .arg(&state)
        .current_dir(&dir_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fatal(format!("cannot run {}: {e}", exe.display())))?;
    let output = Arc::new(Output::default());
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let out = Arc::clone(&output);
        std::thread::Builder::new()
            .name(format!("ipmi_sim-{}-output", port.0))
            .spawn(move || out.pump(stream))
            .map_err(|e| io("spawn output reader", e))?;
    }
    let stdin = child.stdin.take();
    let pid = child.id();
    let port_num = port.0;
    // From here on Drop stops the process and removes the directory.
    let sim = Simulator {
        port: port_num,
        pid,
        child: Mutex::new(child),
        stdin: Mutex::new(stdin),
        output,
        console_lock: Mutex::new(()),
        dir: Some(dir),
        dir_path,
        _port: port,
    };

    wait_ready(&sim, opts.startup_timeout)?;

    let holders = udp_sockets_on_port(port_num);
    if holders > 1 {
        return Err(StartError::PortClash(format!(
            "UDP port {port_num} is also held by {} other socket(s)",
            holders - 1
        )));
    }
    // The LAN may answer before the command file is fully processed: a
    // console round trip (a harmless command) waits for everything before
    // it, so an error of the command file is in the log when we look.
    let _ = sim.console("mc_setbmc 0x20");
    let log = sim.log();
    if let Some(line) = log.lines().find(|l| l.trim_start().starts_with("**")) {
        return Err(fatal(format!(
            "ipmi_sim rejected a command of {}: {line}\nlog:\n{log}",
            opts.emu_file.display()
        )));
    }
    // The console prompt follows the echo of the command file; once it is
    // in, stop the console from echoing what we type.
    if sim
        .output
        .wait_for_prompt(0, Duration::from_secs(5))
        .is_none()
    {
        return Err(fatal(format!(
            "ipmi_sim on port {port_num} answers but printed no console prompt\nlog:\n{}",
            sim.log()
        )));
    }
    sim.console("noecho");
    if opts.set_sel_clock {
        if let Err(e) = sim.set_sel_time(SystemTime::now()) {
            return Err(fatal(format!(
                "could not set the SEL clock of ipmi_sim on port {port_num}: {e}\nlog:\n{}",
                sim.log()
            )));
        }
    }
    for cmd in &opts.commands {
        let out = sim.console(cmd);
        if out.contains("**") {
            return Err(fatal(format!("console command {cmd:?} failed: {out}")));
        }
    }
    Ok(sim)
}

fn wait_ready(sim: &Simulator, timeout: Duration) -> Result<(), StartError> {
    let fatal = |msg: String| StartError::Fatal(msg);
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|s| s.connect(sim.addr()).map(|()| s))
        .and_then(|s| {
            s.set_read_timeout(Some(Duration::from_millis(50)))
                .map(|()| s)
        })
        .map_err(|e| fatal(format!("cannot create the readiness probe socket: {e}")))?;
    let probe = lan15::probe_packet();
    let deadline = Instant::now() + timeout;
    let mut buf = [0u8; 512];
    loop {
        let exited = lock(&sim.child).try_wait();
        match exited {
            Ok(None) => {}
            Ok(Some(status)) => {
                // give the output readers a moment to collect the last words
                std::thread::sleep(Duration::from_millis(50));
                let log = sim.log();
                if log.contains("Unable to bind to LAN port") {
                    return Err(StartError::PortClash(format!(
                        "port {}: {}",
                        sim.port,
                        log.lines()
                            .filter(|l| l.contains("bind"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )));
                }
                return Err(fatal(format!(
                    "ipmi_sim exited during start-up ({status}); log:\n{log}"
                )));
            }
            Err(e) => return Err(fatal(format!("cannot watch ipmi_sim: {e}"))),
        }
        if sock.send(&probe).is_ok() {
            if let Ok(n) = sock.recv(&mut buf) {
                if buf.get(..n).is_some_and(lan15::is_auth_caps_response) {
                    return Ok(());
                }
            }
        } else {
            std::thread::sleep(Duration::from_millis(20));
        }
        if Instant::now() >= deadline {
            return Err(fatal(format!(
                "ipmi_sim on 127.0.0.1:{} did not answer a Get Channel Authentication \
                 Capabilities request within {timeout:?}; log:\n{}",
                sim.port,
                sim.log()
            )));
        }
    }
}

fn ipmi_sim_executable() -> PathBuf {
    if let Some(p) = std::env::var_os("IPMI_SIM") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return p;
        }
        panic!("IPMI_SIM={} does not exist", p.display());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in
        std::env::split_paths(&path).chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
    {
        let p = dir.join("ipmi_sim");
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "ipmi_sim not found: apt-get install openipmi (Debian/Ubuntu; the integration \
         tests need OpenIPMI's simulator), or set IPMI_SIM=/path/to/ipmi_sim"
    )
}

/// Number of sockets (IPv4 and IPv6) bound to local UDP port `port`
/// according to /proc/net/udp{,6}; 0 where that is unavailable.
fn udp_sockets_on_port(port: u16) -> usize {
    let suffix = format!(":{port:04X}");
    ["/proc/net/udp", "/proc/net/udp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|table| {
            table
                .lines()
                .skip(1)
                .filter(|l| {
                    l.split_whitespace()
                        .nth(1)
                        .is_some_and(|a| a.ends_with(&suffix))
                })
                .count()
        })
        .sum()
}

static INSTANCE_COUNTER: AtomicU32 = AtomicU32::new(0);

fn ports_in_use() -> &'static Mutex<HashSet<u16>> {
    static PORTS: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    PORTS.get_or_init(|| Mutex::new(HashSet::new()))
}

/// A port handed out to one simulator of this process; released on drop.
#[derive(Debug)]
struct PortReservation(u16);

impl Drop for PortReservation {
    fn drop(&mut self) {
        lock(ports_in_use()).remove(&self.0);
    }
}

fn reserve_port() -> PortReservation {
    for _ in 0..1000 {
        let port = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|s| s.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("cannot bind a UDP socket on 127.0.0.1: {e}"));
        if udp_sockets_on_port(port) == 0 && lock(ports_in_use()).insert(port) {
            return PortReservation(port);
        }
    }
    panic!("no free UDP port found on 127.0.0.1")
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// ipmi_sim's stdout + stderr, collected by reader threads.
#[derive(Debug, Default)]
struct Output {
    buf: Mutex<Vec<u8>>,
    changed: Condvar,
}

impl Output {
    fn pump(&self, mut r: Box<dyn Read + Send>) {
        let mut chunk = [0u8; 4096];
        loop {
            match r.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    lock(&self.buf).extend_from_slice(chunk.get(..n).unwrap_or_default());
                    self.changed.notify_all();
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        self.changed.notify_all();
    }

    /// Waits for the first console prompt "> " at or after `mark` and
    /// returns the output between `mark` and the prompt, without the log
    /// messages ipmi_sim writes to its consoles (session opened/closed ...).
    ///
    /// ipmi_sim is single-threaded: a command's output and its prompt are
    /// written in one go, log messages can only come before or after it.
    fn wait_for_prompt(&self, mark: usize, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut buf = lock(&self.buf);
        loop {
            if let Some(tail) = buf.get(mark..) {
                if let Some(pos) = tail.windows(2).position(|w| w == b"> ") {
                    let text = String::from_utf8_lossy(tail.get(..pos).unwrap_or_default());
                    let text = strip_log_messages(&text.replace('\r', ""));
                    return Some(text.trim_matches('\n').to_string());
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            buf = self
                .changed
                .wait_timeout(buf, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// Removes ipmi_sim log messages about a received IPMI message: a text line,
/// " channel=.. netfn=.. cmd=.. rs_addr=.. rs_lun=.. rq_addr=..",
/// " rq_lun=.. rq_seq=..", and a line of data bytes.
fn strip_log_messages(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut kept = Vec::with_capacity(lines.len());
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let is_log = lines.get(i + 1).is_some_and(|l| l.starts_with(" channel="))
            && lines.get(i + 2).is_some_and(|l| l.starts_with(" rq_lun="));
        if is_log {
            i += 4;
        } else {
            kept.push(*line);
            i += 1;
        }
    }
    kept.join("\n")
}

/// Just enough IPMI 1.5 over LAN (RMCP) for the readiness probe and an
/// independent straight-password session: unauthenticated requests, Get
/// Session Challenge, Activate Session, Set Session Privilege Level, one
/// command, Close Session.
mod lan15 {
    use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
    use std::time::Duration;

    const RMCP_IPMI: [u8; 4] = [0x06, 0x00, 0xFF, 0x07];
    const BMC_ADDR: u8 = 0x20;
    const REMOTE_SWID: u8 = 0x81;
    const NETFN_APP: u8 = 0x06;
    const AUTH_NONE: u8 = 0x00;
    const AUTH_STRAIGHT: u8 = 0x04;
    const PRIV_ADMIN: u8 = 0x04;

    /// Two's complement checksum: `sum(bytes) + checksum == 0 (mod 256)`.
    pub(super) fn checksum(bytes: &[u8]) -> u8 {
        bytes
            .iter()
            .fold(0u8, |a, b| a.wrapping_add(*b))
            .wrapping_neg()
    }

    /// IPMI 1.5 session header fields of a request.
    pub(super) struct Header<'a> {
        pub(super) auth_type: u8,
        pub(super) session_seq: u32,
        pub(super) session_id: u32,
        /// present unless `auth_type` is none
        pub(super) auth_code: Option<&'a [u8; 16]>,
    }

    /// Header of sessionless (pre-session) requests.
    pub(super) const NO_SESSION: Header<'static> = Header {
        auth_type: AUTH_NONE,
        session_seq: 0,
        session_id: 0,
        auth_code: None,
    };

    /// One IPMI 1.5 LAN request packet.
    pub(super) fn packet(h: &Header<'_>, netfn: u8, cmd: u8, rq_seq: u8, data: &[u8]) -> Vec<u8> {
        let header = [BMC_ADDR, netfn << 2];
        let mut body = vec![REMOTE_SWID, (rq_seq & 0x3F) << 2, cmd];
        body.extend_from_slice(data);
        let mut msg = header.to_vec();
        msg.push(checksum(&header));
        msg.extend_from_slice(&body);
        msg.push(checksum(&body));

        let mut p = RMCP_IPMI.to_vec();
        p.push(h.auth_type);
        p.extend_from_slice(&h.session_seq.to_le_bytes());
        p.extend_from_slice(&h.session_id.to_le_bytes());
        if let Some(code) = h.auth_code {
            p.extend_from_slice(code);
        }
        p.push(u8::try_from(msg.len()).expect("IPMI message longer than 255 bytes"));
        p.extend_from_slice(&msg);
        p
    }

    /// The readiness probe: Get Channel Authentication Capabilities for
    /// this channel (0Eh) with IPMI 2.0 extended data, ADMINISTRATOR level.
    pub(super) fn probe_packet() -> Vec<u8> {
        packet(&NO_SESSION, NETFN_APP, 0x38, 0, &[0x8E, PRIV_ADMIN])
    }

    /// A parsed response: (netfn, rq_seq, cmd, data from the completion code on).
    pub(super) struct Response {
        pub(super) netfn: u8,
        pub(super) rq_seq: u8,
        pub(super) cmd: u8,
        pub(super) data: Vec<u8>,
    }

    pub(super) fn parse(p: &[u8]) -> Option<Response> {
        if p.get(..4)? != RMCP_IPMI {
            return None;
        }
        let auth_type = *p.get(4)?;
        let mut off = 13;
        if auth_type != AUTH_NONE {
            off += 16;
        }
        let len = usize::from(*p.get(off)?);
        let msg = p.get(off + 1..off + 1 + len)?;
        // rqAddr netFn/LUN chk1 | rsAddr rqSeq/LUN cmd cc data.. chk2
        if len < 8 || checksum(msg.get(..2)?) != *msg.get(2)? {
            return None;
        }
        let body = msg.get(3..len - 1)?;
        if checksum(body) != *msg.get(len - 1)? {
            return None;
        }
        Some(Response {
            netfn: msg.get(1)? >> 2,
            rq_seq: body.get(1)? >> 2,
            cmd: *body.get(2)?,
            data: body.get(3..)?.to_vec(),
        })
    }

    pub(super) fn is_auth_caps_response(p: &[u8]) -> bool {
        parse(p).is_some_and(|r| r.netfn == NETFN_APP | 1 && r.cmd == 0x38)
    }

    struct Session {
        sock: UdpSocket,
        rq_seq: u8,
        auth_type: u8,
        session_seq: u32,
        session_id: u32,
        password: [u8; 16],
    }

    impl Session {
        fn call(&mut self, netfn: u8, cmd: u8, data: &[u8]) -> Result<Vec<u8>, String> {
            self.rq_seq = (self.rq_seq + 1) & 0x3F;
            let header = Header {
                auth_type: self.auth_type,
                session_seq: self.session_seq,
                session_id: self.session_id,
                auth_code: (self.auth_type != AUTH_NONE).then_some(&self.password),
            };
            let req = packet(&header, netfn, cmd, self.rq_seq, data);
            if self.session_seq != 0 {
                self.session_seq = self.session_seq.wrapping_add(1).max(1);
            }
            let mut buf = [0u8; 1024];
            for _ in 0..4 {
                self.sock.send(&req).map_err(|e| format!("send: {e}"))?;
                let deadline = std::time::Instant::now() + Duration::from_millis(500);
                while std::time::Instant::now() < deadline {
                    let Ok(n) = self.sock.recv(&mut buf) else {
                        break;
                    };
                    if let Some(r) = buf.get(..n).and_then(parse) {
                        if r.netfn == netfn | 1 && r.cmd == cmd && r.rq_seq == self.rq_seq {
                            return Ok(r.data);
                        }
                    }
                }
            }
            Err(format!("no response to netfn {netfn:#04x} cmd {cmd:#04x}"))
        }
    }

    fn pad16(s: &str) -> Result<[u8; 16], String> {
        let b = s.as_bytes();
        let mut out = [0u8; 16];
        out.get_mut(..b.len())
            .ok_or_else(|| format!("{s:?} is longer than 16 bytes"))?
            .copy_from_slice(b);
        Ok(out)
    }

    fn ok(what: &str, rsp: &[u8]) -> Result<(), String> {
        match rsp.first() {
            Some(0) => Ok(()),
            cc => Err(format!("{what}: completion code {cc:02x?}")),
        }
    }

    /// Opens an ADMINISTRATOR session with straight-password authentication,
    /// sends one request, closes the session; returns the response data
    /// starting with the completion code.
    pub(super) fn command(
        target: SocketAddr,
        user: &str,
        password: &str,
        netfn: u8,
        cmd: u8,
        data: &[u8],
    ) -> Result<Vec<u8>, String> {
        let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|s| s.connect(target).map(|()| s))
            .and_then(|s| {
                s.set_read_timeout(Some(Duration::from_millis(100)))
                    .map(|()| s)
            })
            .map_err(|e| format!("socket: {e}"))?;
        let mut s = Session {
            sock,
            rq_seq: 0,
            auth_type: AUTH_NONE,
            session_seq: 0,
            session_id: 0,
            password: pad16(password)?,
        };
        let username = pad16(user)?;

        // Get Session Challenge
        let mut req = vec![AUTH_STRAIGHT];
        req.extend_from_slice(&username);
        let rsp = s.call(NETFN_APP, 0x39, &req)?;
        ok("Get Session Challenge", &rsp)?;
        let temp_id = rsp
            .get(1..5)
            .ok_or("short Get Session Challenge response")?;
        let challenge = rsp
            .get(5..21)
            .ok_or("short Get Session Challenge response")?;

        // Activate Session
        s.auth_type = AUTH_STRAIGHT;
        s.session_id = u32::from_le_bytes(temp_id.try_into().map_err(|_| "bad session id")?);
        let mut req = vec![AUTH_STRAIGHT, PRIV_ADMIN];
        req.extend_from_slice(challenge);
        req.extend_from_slice(&1u32.to_le_bytes());
        let rsp = s.call(NETFN_APP, 0x3A, &req)?;
        ok("Activate Session", &rsp)?;
        let id = rsp.get(2..6).ok_or("short Activate Session response")?;
        let seq = rsp.get(6..10).ok_or("short Activate Session response")?;
        s.session_id = u32::from_le_bytes(id.try_into().map_err(|_| "bad session id")?);
        s.session_seq = u32::from_le_bytes(seq.try_into().map_err(|_| "bad sequence")?).max(1);

        let result = (|| {
            ok(
                "Set Session Privilege Level",
                &s.call(NETFN_APP, 0x3B, &[PRIV_ADMIN])?,
            )?;
            s.call(netfn, cmd, data)
        })();
        let id = s.session_id.to_le_bytes();
        let _ = s.call(NETFN_APP, 0x3C, &id);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_packet_matches_the_documented_bytes() {
        // RMCP 06 00 ff 07 | auth none, seq 0, session 0, length 9 |
        // rsAddr 20, netFn App/LUN 0 (18), chk c8 | rqAddr 81, seq 0, cmd 38,
        // channel 8e (this channel + IPMI 2.0 data), ADMIN 04, chk b5
        let expected = [
            0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, 0x20, 0x18, 0xc8, 0x81,
            0x00, 0x38, 0x8e, 0x04, 0xb5,
        ];
        assert_eq!(lan15::probe_packet(), expected);
        assert_eq!(lan15::checksum(&[0x20, 0x18]), 0xc8);
        assert_eq!(lan15::checksum(&[0x81, 0x00, 0x38, 0x8e, 0x04]), 0xb5);
    }

    #[test]
    fn log_messages_are_removed_from_console_output() {
        let text = "Session closed: Closed due to request\n channel=1 netfn=0x6 cmd=0x3c \
                    rs_addr=0x20 rs_lun=0x0 rq_addr=0x81\n rq_lun=0x0 rq_seq=0x5\n 02 01 00 00\n\
                    **Unknown command: x\nActivate session: Session opened for user 0x2, max \
                    priv 4\n channel=1 netfn=0x6 cmd=0x3a rs_addr=0x20 rs_lun=0x0 rq_addr=0x81\n \
                    rq_lun=0x0 rq_seq=0x2\n\n";
        assert_eq!(strip_log_messages(text), "**Unknown command: x\n");
    }

    #[test]
    fn simulator_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Simulator>();
    }

    #[test]
    fn sim_dir_holds_the_configuration() {
        let d = sim_dir();
        assert!(d.is_absolute(), "{}", d.display());
        for f in [
            "lan.conf.in",
            "machine.emu",
            "sel.persist",
            "users.persist",
            "chassis-control.sh",
        ] {
            assert!(d.join(f).is_file(), "{} missing", d.join(f).display());
        }
    }

    fn cmdline(pid: u32) -> Option<String> {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .ok()
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
    }

    #[test]
    fn three_parallel_simulators_start_answer_and_stop() {
        let sims: Vec<Simulator> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3).map(|_| s.spawn(Simulator::start)).collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("start panicked"))
                .collect()
        });
        let ports: HashSet<u16> = sims.iter().map(Simulator::port).collect();
        assert_eq!(ports.len(), 3, "ports must differ: {ports:?}");

        let mut gone = Vec::new();
        for sim in &sims {
            assert_eq!(sim.target(), format!("127.0.0.1:{}", sim.port()));
            assert_eq!(sim.addr().port(), sim.port());
            // pre-session probe
            let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            sock.send_to(&lan15::probe_packet(), sim.addr()).unwrap();
            let mut buf = [0u8; 256];
            let (n, from) = sock.recv_from(&mut buf).unwrap();
            assert_eq!(from, sim.addr());
            let rsp = lan15::parse(&buf[..n]).expect("valid IPMI 1.5 response");
            assert_eq!(rsp.data[0], 0, "completion code; log:\n{}", sim.log());
            // byte 3 of the data: IPMI 2.0 / RMCP+ supported (bit 7 of byte 2 = extended)
            assert_eq!(rsp.data[2] & 0x80, 0x80, "IPMI 2.0 extended capabilities");
            // an authenticated command: Get Device ID
            let id = sim.raw_command(0x06, 0x01, &[]).unwrap();
            assert_eq!(
                id,
                [
                    0x00, 0x20, 0x01, 0x07, 0x10, 0x02, 0xbf, 0xa2, 0x02, 0x00, 0x00, 0x01, 0, 0,
                    0, 0
                ]
            );
            let cmd = cmdline(sim.pid()).expect("ipmi_sim is running");
            assert!(cmd.contains("ipmi_sim"), "{cmd}");
            gone.push((sim.pid(), sim.dir().to_path_buf()));
        }
        drop(sims);
        for (pid, dir) in gone {
            let cmd = cmdline(pid);
            assert!(
                !cmd.is_some_and(|c| c.contains(&*dir.to_string_lossy())),
                "ipmi_sim {pid} still running"
            );
            assert!(!dir.exists(), "{} not removed", dir.display());
        }
    }

    #[test]
    fn console_changes_a_sensor_and_the_sel_clock_is_set() {
        let sim = Simulator::start();
        let reading = |num: u8| sim.raw_command(0x04, 0x2D, &[num]).unwrap();
        // Fan1 (0x30) reads raw 49 = 5880 RPM, scanning enabled, no threshold crossed
        assert_eq!(reading(0x30)[..4], [0x00, 49, 0xC0, 0x00]);
        let out = sim.console("sensor_set_value 0x20 0 0x30 0x04 1");
        // Success means no error line ("**…"): ipmi_sim may print unrelated
        // asynchronous output (e.g. message dumps) while the command runs.
        assert!(!out.contains("**"), "console: {out:?}\nlog:\n{}", sim.log());
        // raw 4 = 480 RPM: lower non-critical and lower critical asserted
        assert_eq!(reading(0x30)[..4], [0x00, 4, 0xC0, 0x03]);
        // the two threshold events were logged with the (now set) SEL clock
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let info = sim.raw_command(0x0A, 0x40, &[]).unwrap(); // Get SEL Info
        assert_eq!(info[0], 0);
        assert_eq!(
            u16::from_le_bytes([info[2], info[3]]),
            27,
            "25 initial entries + 2 events"
        );
        let last_add = u64::from(u32::from_le_bytes([info[6], info[7], info[8], info[9]]));
        assert!(
            now.abs_diff(last_add) < 60,
            "last add time {last_add}, now {now}"
        );
        // a bad command is reported, not fatal
        assert!(sim
            .console("sensor_set_value 0x20 0 0xEE 0x01 0")
            .contains("**"));
        // and the simulator still answers
        assert_eq!(reading(0x31)[..2], [0x00, 50]);
    }

    #[test]
    #[should_panic(expected = "ipmi_sim rejected a command")]
    fn a_broken_command_file_fails_loudly() {
        let dir = tempfile::tempdir().unwrap();
        let emu = dir.path().join("broken.emu");
        let mut text = std::fs::read_to_string(sim_dir().join("machine.emu")).unwrap();
        text.push_str("sensor_set_value 0x20 0 0xEE 0x01 0\n"); // no such sensor
        std::fs::write(&emu, text).unwrap();
        let _sim = Simulator::start_with(SimOptions {
            emu_file: emu,
            ..SimOptions::default()
        });
    }

    #[test]
    fn options_empty_sel_and_power_off() {
        let sim = Simulator::start_with(SimOptions {
            initial_sel: false,
            power_on: false,
            set_sel_clock: false,
            commands: vec!["sensor_set_value 0x20 0 0x31 0x10 0".into()],
            ..SimOptions::default()
        });
        let info = sim.raw_command(0x0A, 0x40, &[]).unwrap();
        assert_eq!((info[0], u16::from_le_bytes([info[2], info[3]])), (0, 0));
        let status = sim.raw_command(0x00, 0x01, &[]).unwrap(); // Get Chassis Status
        assert_eq!((status[0], status[1] & 1), (0, 0), "power off");
        assert!(!sim.power_is_on());
        let fan2 = sim.raw_command(0x04, 0x2D, &[0x31]).unwrap();
        assert_eq!(fan2[..2], [0x00, 0x10]);
        // Chassis Control: power up
        assert_eq!(sim.raw_command(0x00, 0x02, &[0x01]).unwrap(), [0x00]);
        assert!(sim.power_is_on());
        assert_eq!(sim.raw_command(0x00, 0x01, &[]).unwrap()[1] & 1, 1);
    }
}
