import type { Digest } from '../digest/digest.ts';
import type { ContainerConfig } from '../image/config.ts';
import type { DirNode } from '../tree/node.ts';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface MountPoint {
  Type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name (for volumes). */
  Name?: string;
  Source?: string;
  Destination: string;
  RW: boolean;
}

export interface HostConfig {
  AutoRemove?: boolean;
  ReadonlyRootfs?: boolean;
  /** Bytes; 0 = unlimited. */
  Memory?: number;
  Binds?: string[];
}

/**
 * A container as stored under `container/<id>`: the image it was made from, its
 * writable layer (a diff tree over the image's merged root), its config and its state.
 * Field names follow `docker container inspect`.
 */
export interface ContainerState {
  v: 1;
  Id: string;
  Name: string;
  Created: string;
  /** Image ID. */
  Image: Digest;
  /** The ImageRecord blob, so the image's layers outlive `rmi -f` while the container exists. */
  ImageRecord: Digest;
  /** The name the user gave for the image. */
  ImageName: string;
  /** Merged root of the image's layers (the lower filesystem). */
  Lower: DirNode;
  /** The writable layer: a diff tree with whiteouts. */
  Upper: DirNode;
  Path: string;
  Args: string[];
  Config: ContainerConfig;
  HostConfig: HostConfig;
  Mounts: MountPoint[];
  State: {
    Status: ContainerStatus;
    Running: boolean;
    Paused: boolean;
    /** Killed for going over its memory limit (`-m`). */
    OOMKilled?: boolean;
    ExitCode: number;
    Pid: number;
    StartedAt: string;
    FinishedAt: string;
    Error: string;
  };
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function canRemove(s: ContainerState, force: boolean): boolean {
  return force || !(s.State.Running || s.State.Paused);
}
