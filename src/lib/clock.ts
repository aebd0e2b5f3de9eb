/** The server's clock, injectable so tests decide what time it is (and that times differ). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The clock's time as the ISO text every record carries. */
export const isoNow = (clock: Clock) => clock().toISOString();
