import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';

export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 on the readiness URL. */
  startMs: number;
  /** Resident memory of the process and its children (workers), in MB. */
  rssMb(): number;
  /** CPU seconds the process has used so far. */
  cpuSeconds(): ThreadCpu;
  stop(): Promise<void>;
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

// Linux counts CPU time in clock ticks of 1/100 s (USER_HZ) in /proc.
const TICKS_PER_SECOND = 100;

export interface ThreadCpu {
  /** The main thread: Node's event loop. */
  eventLoop: number;
  /** Every other thread: worker threads (the signing thread), libuv's pool, V8's helpers. */
  otherThreads: number;
}

function threadCpu(pid: number): ThreadCpu {
  const cpu = { eventLoop: 0, otherThreads: 0 };
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return cpu;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command name, from the 3rd (state): utime and stime are the 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      if (Number(tid) === pid) cpu.eventLoop += seconds;
      else cpu.otherThreads += seconds;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return cpu;
}

/** CPU seconds the whole machine has spent busy so far (every process, kernel included). */
export function machineBusySeconds(): number {
  const [, ...counters] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .map(Number);
  // user nice system idle iowait irq softirq steal, then guest time already counted in user:
  // all of the first eight but idle and iowait are busy.
  const busy = counters.slice(0, 8).reduce((sum, n, i) => (i === 3 || i === 4 ? sum : sum + n), 0);
  return busy / TICKS_PER_SECOND;
}

function childPids(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children === '' ? [] : children.split(' ').map(Number);
  } catch {
    return [];
  }
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  url: string;
  readyPath: string;
  timeoutMs?: number;
}

/** Spawns a server and waits until it answers 200 on `readyPath`. */
export async function startService(options: StartOptions): Promise<Service> {
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited:\n${output}`);
    try {
      const response = await fetch(`${options.url}${options.readyPath}`);
      if (response.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const startMs = performance.now() - started;
  return {
    name: options.name,
    url: options.url,
    child,
    startMs,
    rssMb() {
      const pid = child.pid ?? 0;
      const all = [pid, ...childPids(pid)];
      return all.reduce((sum, p) => sum + rssKb(p), 0) / 1024;
    },
    cpuSeconds: () => threadCpu(child.pid ?? 0),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}
