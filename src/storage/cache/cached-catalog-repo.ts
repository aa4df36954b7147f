/**
 * The public catalog (active services and staff) from a per-isolate copy (issue 13, item 4), so
 * that a burst of GET /v1/services or /v1/staff costs one SQL read per isolate and TTL, not one
 * per request.
 *
 * Entries are keyed by the isolate's catalog version, which every catalog write made through
 * this isolate bumps: an admin change is never hidden from later reads of the same isolate.
 * Changes made through other isolates show after at most `ttlMs` (CATALOG_CACHE_TTL_MS, 5 s by
 * default). Holds and bookings never read these lists: they still validate against the stores.
 * A miss is single-flight per key (a cold burst makes one read); a failed read is not kept.
 */
import type { Service, Staff } from "../../domain/catalog/types.ts";
import type { CatalogRepo, Clock } from "../../domain/ports.ts";

/** Keys kept at most (one per service filter of the staff list, plus the service list). */
const MAX_ENTRIES = 256;

interface Entry<T> {
  version: number;
  loadedAtMs: number;
  value: Promise<T>;
}

export class CachedCatalogRepo implements CatalogRepo {
  private version = 0;
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly repo: CatalogRepo,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The isolate's catalog version (for tests and logs). */
  catalogVersion(): number {
    return this.version;
  }

  listServices(options: { activeOnly: boolean }): Promise<Service[]> {
    if (!options.activeOnly) return this.repo.listServices(options);
    return this.cached("services", () => this.repo.listServices(options));
  }

  listStaff(options: { activeOnly: boolean; serviceId?: string }): Promise<Staff[]> {
    if (!options.activeOnly) return this.repo.listStaff(options);
    return this.cached(`staff:${options.serviceId ?? ""}`, () => this.repo.listStaff(options));
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const nowMs = this.clock.nowMs();
    const entry = this.entries.get(key) as Entry<T> | undefined;
    if (entry && entry.version === this.version && nowMs - entry.loadedAtMs < this.ttlMs) {
      return entry.value;
    }
    if (this.ttlMs <= 0) return load();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const version = this.version;
    const value = load();
    this.entries.set(key, { version, loadedAtMs: nowMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** A write through this isolate: later reads of this isolate must see it. */
  private async bump<T>(write: Promise<T>): Promise<T> {
    this.version++;
    this.entries.clear();
    try {
      return await write;
    } finally {
      // Again after the write: a read that started meanwhile may have cached the old rows.
      this.version++;
      this.entries.clear();
    }
  }

  getSettings: CatalogRepo["getSettings"] = () => this.repo.getSettings();
  putSettings: CatalogRepo["putSettings"] = (s) => this.bump(this.repo.putSettings(s));
  getService: CatalogRepo["getService"] = (id) => this.repo.getService(id);
  createService: CatalogRepo["createService"] = (id, input) =>
    this.bump(this.repo.createService(id, input));
  updateService: CatalogRepo["updateService"] = (id, input) =>
    this.bump(this.repo.updateService(id, input));
  deleteService: CatalogRepo["deleteService"] = (id) => this.bump(this.repo.deleteService(id));
  getStaff: CatalogRepo["getStaff"] = (id) => this.repo.getStaff(id);
  createStaff: CatalogRepo["createStaff"] = (id, input) =>
    this.bump(this.repo.createStaff(id, input));
  updateStaff: CatalogRepo["updateStaff"] = (id, input) =>
    this.bump(this.repo.updateStaff(id, input));
  deleteStaff: CatalogRepo["deleteStaff"] = (id) => this.bump(this.repo.deleteStaff(id));
  getSchedule: CatalogRepo["getSchedule"] = (id) => this.repo.getSchedule(id);
  putSchedule: CatalogRepo["putSchedule"] = (id, weekly) =>
    this.bump(this.repo.putSchedule(id, weekly));
  listOverrides: CatalogRepo["listOverrides"] = (id, range) => this.repo.listOverrides(id, range);
  putOverride: CatalogRepo["putOverride"] = (o) => this.bump(this.repo.putOverride(o));
  deleteOverride: CatalogRepo["deleteOverride"] = (id, date) =>
    this.bump(this.repo.deleteOverride(id, date));
  listClosures: CatalogRepo["listClosures"] = () => this.repo.listClosures();
  createClosure: CatalogRepo["createClosure"] = (c) => this.bump(this.repo.createClosure(c));
  deleteClosure: CatalogRepo["deleteClosure"] = (id) => this.bump(this.repo.deleteClosure(id));
}
