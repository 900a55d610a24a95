// pino-roll ships no type declarations; this covers the part the bridge uses.
declare module 'pino-roll' {
  import type { SonicBoom } from 'sonic-boom';

  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    dateFormat?: string;
    extension?: string;
    mkdir?: boolean;
    /** Mode of the files it creates (passed on to sonic-boom). */
    mode?: number;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
}
