/**
 * Where imported sources live in this browser: the Origin Private File System (OPFS) when the
 * browser offers it, IndexedDB otherwise. One folder (OPFS) or key prefix (IndexedDB) per
 * source; both backends are always read, so data saved under one are found under the other.
 * Nothing here talks to the network.
 */

export type BackendKind = 'opfs' | 'indexeddb';

export interface Backend {
	readonly kind: BackendKind;
	/** Folder names (source keys) holding at least one file. */
	list(): Promise<string[]>;
	/** File names in one folder. */
	files(dir: string): Promise<string[]>;
	/** A file's bytes, or null if it is not there. */
	read(dir: string, file: string): Promise<Uint8Array | null>;
	/** A file's size, or null if it is not there. */
	size(dir: string, file: string): Promise<number | null>;
	write(dir: string, file: string, bytes: Uint8Array): Promise<void>;
	/** Remove one file of a folder (nothing when it is not there). */
	removeFile(dir: string, file: string): Promise<void>;
	remove(dir: string): Promise<void>;
	/** Remove everything this backend holds for the app. */
	clear(): Promise<void>;
}

/** OPFS folder and IndexedDB database name. */
export const STORE_NAME = 'clearsight-imports';

function opfsBackend(): Backend | null {
	if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return null;
	const base = async (create: boolean) => {
		const root = await navigator.storage.getDirectory();
		try {
			return await root.getDirectoryHandle(STORE_NAME, { create });
		} catch (error) {
			if (!create && error instanceof DOMException && error.name === 'NotFoundError') return null;
			throw error;
		}
	};
	const folder = async (dir: string, create: boolean) => {
		const b = await base(create);
		if (!b) return null;
		try {
			return await b.getDirectoryHandle(dir, { create });
		} catch (error) {
			if (!create && error instanceof DOMException && error.name === 'NotFoundError') return null;
			throw error;
		}
	};
	const fileHandle = async (dir: string, file: string) => {
		const d = await folder(dir, false);
		if (!d) return null;
		try {
			return await d.getFileHandle(file);
		} catch (error) {
			if (error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')) return null;
			throw error;
		}
	};
	const names = async (handle: FileSystemDirectoryHandle, kind: FileSystemHandleKind) => {
		const out: string[] = [];
		for await (const [name, h] of (handle as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
			if (h.kind === kind) out.push(name);
		}
		return out.sort();
	};
	return {
		kind: 'opfs',
		async list() {
			const b = await base(false);
			return b ? names(b, 'directory') : [];
		},
		async files(dir) {
			const d = await folder(dir, false);
			return d ? names(d, 'file') : [];
		},
		async read(dir, file) {
			const h = await fileHandle(dir, file);
			return h ? new Uint8Array(await (await h.getFile()).arrayBuffer()) : null;
		},
		async size(dir, file) {
			const h = await fileHandle(dir, file);
			return h ? (await h.getFile()).size : null;
		},
		async write(dir, file, bytes) {
			const d = (await folder(dir, true))!;
			const h = await d.getFileHandle(file, { create: true });
			const writable = await h.createWritable();
			try {
				await writable.write(bytes as Uint8Array<ArrayBuffer>);
				await writable.close();
			} catch (error) {
				await writable.abort().catch(() => {});
				throw error;
			}
		},
		async removeFile(dir, file) {
			const d = await folder(dir, false);
			if (!d) return;
			try {
				await d.removeEntry(file);
			} catch (error) {
				if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
			}
		},
		async remove(dir) {
			const b = await base(false);
			if (!b) return;
			try {
				await b.removeEntry(dir, { recursive: true });
			} catch (error) {
				if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
			}
		},
		async clear() {
			const root = await navigator.storage.getDirectory();
			try {
				await root.removeEntry(STORE_NAME, { recursive: true });
			} catch (error) {
				if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
			}
		}
	};
}

const FILES = 'files';

function request<T>(r: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
	});
}

function indexedDbBackend(): Backend | null {
	if (typeof indexedDB === 'undefined') return null;
	let opening: Promise<IDBDatabase> | null = null;
	const open = () =>
		(opening ??= new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open(STORE_NAME, 1);
			r.onupgradeneeded = () => r.result.createObjectStore(FILES);
			r.onsuccess = () => {
				// Let "clear all local data" delete the database even while this tab has it open.
				r.result.onversionchange = () => {
					r.result.close();
					opening = null;
				};
				resolve(r.result);
			};
			r.onerror = () => {
				opening = null;
				reject(r.error ?? new Error('IndexedDB could not be opened'));
			};
		}));
	const store = async (mode: IDBTransactionMode) => (await open()).transaction(FILES, mode).objectStore(FILES);
	/** Reading must not create the database (it would be a trace left after "clear all"). */
	const exists = async () => {
		if (opening) return true;
		if (typeof indexedDB.databases !== 'function') return true;
		return (await indexedDB.databases()).some((d) => d.name === STORE_NAME);
	};
	const key = (dir: string, file: string) => `${dir}/${file}`;
	const keys = async () => ((await exists()) ? ((await request((await store('readonly')).getAllKeys())) as string[]).map(String) : []);
	return {
		kind: 'indexeddb',
		async list() {
			return [...new Set((await keys()).map((k) => k.slice(0, k.indexOf('/'))))].sort();
		},
		async files(dir) {
			return (await keys())
				.filter((k) => k.startsWith(`${dir}/`))
				.map((k) => k.slice(dir.length + 1))
				.sort();
		},
		async read(dir, file) {
			if (!(await exists())) return null;
			const v = (await request((await store('readonly')).get(key(dir, file)))) as Uint8Array | undefined;
			return v ?? null;
		},
		async size(dir, file) {
			const v = await this.read(dir, file);
			return v ? v.byteLength : null;
		},
		async write(dir, file, bytes) {
			const s = await store('readwrite');
			await request(s.put(bytes, key(dir, file)));
			await new Promise<void>((resolve, reject) => {
				s.transaction.oncomplete = () => resolve();
				s.transaction.onerror = () => reject(s.transaction.error ?? new Error('IndexedDB write failed'));
				s.transaction.onabort = () => reject(s.transaction.error ?? new Error('IndexedDB write aborted'));
			});
		},
		async removeFile(dir, file) {
			if (!(await exists())) return;
			const s = await store('readwrite');
			await request(s.delete(key(dir, file)));
		},
		async remove(dir) {
			if (!(await exists())) return;
			const s = await store('readwrite');
			await request(s.delete(IDBKeyRange.bound(`${dir}/`, `${dir}/\uffff`)));
		},
		async clear() {
			const db = opening ? await opening.catch(() => null) : null;
			db?.close();
			opening = null;
			await new Promise<void>((resolve, reject) => {
				const r = indexedDB.deleteDatabase(STORE_NAME);
				r.onsuccess = () => resolve();
				r.onerror = () => reject(r.error ?? new Error('IndexedDB could not be deleted'));
				r.onblocked = () => resolve(); // deleted once other tabs let go
			});
		}
	};
}

let backends: { opfs: Backend | null; indexeddb: Backend | null } | null = null;

export function getBackends() {
	backends ??= { opfs: opfsBackend(), indexeddb: indexedDbBackend() };
	return backends;
}

/** The backend new imports are written to: OPFS if it works here, else IndexedDB. */
export async function preferredBackend(): Promise<Backend> {
	const { opfs, indexeddb } = getBackends();
	if (opfs) {
		try {
			await navigator.storage.getDirectory();
			return opfs;
		} catch {
			// OPFS unavailable (private window, policy): fall back
		}
	}
	if (indexeddb) return indexeddb;
	throw new Error('This browser offers no local storage for imported data (neither the Origin Private File System nor IndexedDB).');
}
