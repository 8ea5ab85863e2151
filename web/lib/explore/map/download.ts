/** Save a generated file (Blob + object URL; nothing is uploaded). */
export function downloadBlob(filename: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Save text as a file. */
export function downloadText(filename: string, text: string, type: string): void {
	downloadBlob(filename, new Blob([text], { type }));
}
