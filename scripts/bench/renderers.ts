/**
 * The Chromium renderer processes a bench started (descendants of this process: they host the
 * page and its DuckDB-wasm worker, whose memory and CPU the page's own figures do not show),
 * read from /proc. Linux only; empty where /proc is not readable.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Process ids of the Chromium renderers descended from this process. */
export function ownRendererPids(): number[] {
	const parent = new Map<number, number>();
	try {
		for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
			try {
				const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
				parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
			} catch {
				// ended meanwhile
			}
		}
	} catch {
		return [];
	}
	const mine = (pid: number): boolean => {
		for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === process.pid) return true;
		return false;
	};
	return [...parent.keys()].filter((pid) => {
		try {
			return mine(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
		} catch {
			return false; // ended meanwhile
		}
	});
}

/**
 * Memory of those renderers, from /proc/<pid>/status: the sum of their VmRSS now, and the largest
 * VmHWM (a process's peak resident set since it started). Bytes; zeros where /proc is not readable.
 */
export function rendererMemory(): { rss: number; hwm: number } {
	let rss = 0;
	let hwm = 0;
	for (const pid of ownRendererPids()) {
		try {
			const status = readFileSync(`/proc/${pid}/status`, 'utf8');
			const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
			rss += kb('VmRSS');
			hwm = Math.max(hwm, kb('VmHWM'));
		} catch {
			// The process ended between the listing and the read.
		}
	}
	return { rss, hwm };
}
