/**
 * Joining from another device (the "a phone and a laptop"): what the page can tell a
 * reader when its room link would not work on a phone, or when the browser will not offer a camera.
 */

/** True for names and addresses that mean "this computer": another device cannot open them. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/gu, "");
  return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/u.test(host) || host === "::1";
}

/**
 * What to tell a reader whose room link a phone could not open, or undefined when it can (as far
 * as this page can tell). `port` is the page's port ("" for the default).
 */
export function otherDeviceHint(hostname: string, port: string): string | undefined {
  if (!isLoopbackHost(hostname)) return undefined;
  const portPart = port === "" ? "" : `:${port}`;
  return (
    `This link names ${hostname}, which on a phone means the phone itself. To join from another device, start the server with ` +
    `HOST=0.0.0.0 and open this page at your computer's address on the network (for example http://192.168.1.23${portPart}/demo/). ` +
    "A second tab on this computer can use the link as it is."
  );
}

/** Why the camera cannot be asked for on this page, or undefined when it can. */
export function mediaUnavailableReason(secureContext: boolean, hasMediaDevices: boolean, origin: string): string | undefined {
  if (!secureContext) {
    return `Browsers offer the camera and microphone only to secure pages: HTTPS, or http://localhost on the computer itself. This page is ${origin}. The data channel and chat work without them.`;
  }
  if (!hasMediaDevices) return "This browser offers no camera or microphone to web pages. The data channel and chat work without them.";
  return undefined;
}
