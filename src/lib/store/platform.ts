/**
 * Which machine a run was measured on: a stable id in the seed's style (M1_Mac_16GB, RTX_4090_24GB,
 * GitHub_Actions_Linux, Linux_x86_64_2C_24GB…) and the details behind it. The id is derived by a
 * pure function of a systeminformation snapshot and the environment, so every named platform is testable here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import si from 'systeminformation';
import { UsageError } from '../shared/errors.ts';
import { type PlatformDetails, safeIdSchema } from './record.ts';

export interface SystemSnapshot {
  cpu: { manufacturer: string; brand: string; cores: number; physicalCores?: number };
  mem: { total: number };
  os: { platform: string; arch: string; distro?: string; release?: string };
  graphics: { controllers: Array<{ vendor?: string; model?: string; vram?: number | null; memoryTotal?: number | null }> };
  /** `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits`, when the tool exists. */
  nvidiaSmi?: string | null;
  runtime?: Record<string, string>;
}

export interface Platform {
  id: string;
  details: PlatformDetails;
}

export class PlatformIdError extends UsageError {
  constructor(value: string, source: string) {
    super(
      `${source}=${JSON.stringify(value)} is not a usable platform id: use only letters, digits, ".", "_" and "-", ` +
        'starting with a letter or digit (for example M1_Mac_16GB). Platform ids name files and pages, so paths are refused.',
    );
  }
}

export function assertPlatformId(value: string, source: string): string {
  if (!safeIdSchema.safeParse(value).success) throw new PlatformIdError(value, source);
  return value;
}

const GIB = 1024 ** 3;

function osName(platform: string): string {
  const key = platform.toLowerCase();
  if (key === 'darwin') return 'macOS';
  if (key === 'linux') return 'Linux';
  if (key === 'win32' || key === 'windows') return 'Windows';
  return platform.replaceAll(/[^A-Za-z0-9]/g, '') || 'Unknown';
}

function osKey(platform: string): string {
  const key = platform.toLowerCase();
  return key === 'windows' ? 'win32' : key;
}

function archName(arch: string): string {
  if (arch === 'x64' || arch === 'amd64') return 'x86_64';
  if (arch === 'aarch64') return 'arm64';
  return arch.replaceAll(/[^A-Za-z0-9_]/g, '') || 'unknown';
}

export function ciProvider(env: NodeJS.ProcessEnv): string | null {
  if (env.RUNPOD_POD_ID) return 'runpod';
  if (env.GITHUB_ACTIONS === 'true') return 'github-actions';
  if (env.GITLAB_CI) return 'gitlab';
  if (env.BUILDKITE) return 'buildkite';
  if (env.CIRCLECI) return 'circleci';
  if (env.JENKINS_URL) return 'jenkins';
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return 'ci';
  return null;
}

interface Gpu {
  vendor: string;
  model: string;
  memoryGb: number | null;
}

function parseNvidiaSmi(output: string): Gpu[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', memory = ''] = line.split(',').map((part) => part.trim());
      const mib = Number.parseFloat(memory);
      return { vendor: 'NVIDIA', model: name, memoryGb: Number.isFinite(mib) ? Math.round(mib / 1024) : null };
    });
}

function gpusOf(snapshot: SystemSnapshot): Gpu[] {
  if (snapshot.nvidiaSmi) {
    const fromSmi = parseNvidiaSmi(snapshot.nvidiaSmi);
    if (fromSmi.length > 0) return fromSmi;
  }
  return snapshot.graphics.controllers
    .filter((controller) => controller.model)
    .map((controller) => {
      const mib = controller.memoryTotal ?? controller.vram ?? null;
      return { vendor: controller.vendor ?? '', model: controller.model ?? '', memoryGb: mib ? Math.round(mib / 1024) : null };
    });
}

const VENDOR_WORDS = /^(nvidia|geforce|tesla|quadro|corporation|amd|radeon|intel|graphics)$/i;
const FORM_FACTOR = /^(sxm\d*|pcie|\d+gb|hbm\w*|nvl|mig\S*|\d+g)$/i;

/** "NVIDIA A100-SXM4-80GB" → "A100", "NVIDIA GeForce RTX 4090" → "RTX_4090". */
export function gpuShortName(model: string): string {
  const words: string[] = [];
  for (const word of model.split(/[\s-]+/).filter(Boolean)) {
    if (FORM_FACTOR.test(word)) break;
    if (!VENDOR_WORDS.test(word)) words.push(word.replaceAll(/[^A-Za-z0-9]/g, ''));
  }
  return words.filter(Boolean).join('_') || 'GPU';
}

function isDatacenterOrDiscreteNvidia(gpu: Gpu): boolean {
  return /nvidia/i.test(gpu.vendor) || /nvidia|geforce|tesla|quadro/i.test(gpu.model);
}

function genericId(os: string, arch: string, cores: number, memoryGb: number): string {
  return `${os}_${arch}_${cores}C_${memoryGb}GB`;
}

export function platformFromSnapshot(snapshot: SystemSnapshot, env: NodeJS.ProcessEnv = {}): Platform {
  const os = osName(snapshot.os.platform);
  const arch = archName(snapshot.os.arch);
  const memoryGb = Math.round(snapshot.mem.total / GIB);
  const gpus = gpusOf(snapshot);
  const nvidia = gpus.filter(isDatacenterOrDiscreteNvidia);
  const ci = ciProvider(env);
  const details: PlatformDetails = {
    os: osKey(snapshot.os.platform),
    ...(snapshot.os.release ? { osRelease: snapshot.os.release } : {}),
    ...(snapshot.os.distro ? { distro: snapshot.os.distro } : {}),
    arch: snapshot.os.arch,
    cpu: [snapshot.cpu.manufacturer, snapshot.cpu.brand].filter(Boolean).join(' '),
    cores: snapshot.cpu.cores,
    ...(snapshot.cpu.physicalCores ? { physicalCores: snapshot.cpu.physicalCores } : {}),
    memoryGb: Math.round((snapshot.mem.total / GIB) * 100) / 100,
    gpus,
    runtime: snapshot.runtime ?? {},
    ci,
  };

  const override = env.PERFORMANCE_PLATFORM;
  if (override) return { id: assertPlatformId(override, 'PERFORMANCE_PLATFORM'), details };

  const firstNvidia = nvidia[0];
  const gpuName = firstNvidia ? `${nvidia.length > 1 ? `${nvidia.length}x` : ''}${gpuShortName(firstNvidia.model)}` : null;

  let id: string;
  if (ci === 'runpod') id = `RunPod_${gpuName ?? 'CPU'}`;
  else if (ci === 'github-actions') id = `GitHub_Actions_${os}`;
  else if (firstNvidia && gpuName) id = firstNvidia.memoryGb ? `${gpuName}_${firstNvidia.memoryGb}GB` : gpuName;
  else if (/apple/i.test(snapshot.cpu.manufacturer) && /^M\d/.test(snapshot.cpu.brand)) {
    id = `${snapshot.cpu.brand.trim().replaceAll(/\s+/g, '_')}_Mac_${memoryGb}GB`;
  } else {
    id = genericId(os, arch, snapshot.cpu.cores, memoryGb);
    if (ci) id = `CI_${id}`;
  }
  return { id: assertPlatformId(id, 'detected platform'), details };
}

async function nvidiaSmi(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], {
      timeout: 5000,
    });
    return stdout;
  } catch {
    return null;
  }
}

export async function takeSystemSnapshot(): Promise<SystemSnapshot> {
  const [cpu, mem, os, graphics, smi] = await Promise.all([si.cpu(), si.mem(), si.osInfo(), si.graphics(), nvidiaSmi()]);
  return {
    cpu: { manufacturer: cpu.manufacturer, brand: cpu.brand, cores: cpu.cores, physicalCores: cpu.physicalCores },
    mem: { total: mem.total },
    os: { platform: os.platform, arch: os.arch, distro: os.distro, release: os.release },
    graphics: {
      controllers: graphics.controllers.map((controller) => ({
        vendor: controller.vendor,
        model: controller.model,
        vram: controller.vram,
        memoryTotal: controller.memoryTotal ?? null,
      })),
    },
    nvidiaSmi: smi,
    runtime: { node: process.versions.node },
  };
}

export async function detectPlatform(env: NodeJS.ProcessEnv = process.env): Promise<Platform> {
  return platformFromSnapshot(await takeSystemSnapshot(), env);
}
