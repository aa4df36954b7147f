/**
 * The public catalog (active services and staff) from a per-isolate copy (docs/architecture/overload.md), so
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
import { ResultCache } from "./result-cache.ts";

export class CachedCatalogRepo implements CatalogRepo {
  private readonly cache: ResultCache<unknown>;

  constructor(
    private readonly repo: CatalogRepo,
    clock: Clock,
    ttlMs: number,
  ) {
    // One key per service filter of the staff list, plus the service list.
    this.cache = new ResultCache(clock, ttlMs);
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
    return this.cache.get(key, load) as Promise<T>;
  }

  /** A write through this isolate: later reads of this isolate must see it. */
  private async bump<T>(write: Promise<T>): Promise<T> {
    this.cache.clear();
    try {
      return await write;
    } finally {
      // Again after the write: a read that started meanwhile may have cached the old rows.
      this.cache.clear();
    }
  }

  getSettings: CatalogRepo["getSettings"] = () => this.repo.getSettings();
  putSettings: CatalogRepo["putSettings"] = (s, audit) =>
    this.bump(this.repo.putSettings(s, audit));
  getService: CatalogRepo["getService"] = (id) => this.repo.getService(id);
  createService: CatalogRepo["createService"] = (id, input, audit) =>
    this.bump(this.repo.createService(id, input, audit));
  updateService: CatalogRepo["updateService"] = (id, input, audit) =>
    this.bump(this.repo.updateService(id, input, audit));
  deleteService: CatalogRepo["deleteService"] = (id, audit) =>
    this.bump(this.repo.deleteService(id, audit));
  getStaff: CatalogRepo["getStaff"] = (id) => this.repo.getStaff(id);
  createStaff: CatalogRepo["createStaff"] = (id, input, audit) =>
    this.bump(this.repo.createStaff(id, input, audit));
  updateStaff: CatalogRepo["updateStaff"] = (id, input, audit) =>
    this.bump(this.repo.updateStaff(id, input, audit));
  deleteStaff: CatalogRepo["deleteStaff"] = (id, audit) =>
    this.bump(this.repo.deleteStaff(id, audit));
  getSchedule: CatalogRepo["getSchedule"] = (id) => this.repo.getSchedule(id);
  putSchedule: CatalogRepo["putSchedule"] = (id, weekly, audit) =>
    this.bump(this.repo.putSchedule(id, weekly, audit));
  listOverrides: CatalogRepo["listOverrides"] = (id, range) => this.repo.listOverrides(id, range);
  putOverride: CatalogRepo["putOverride"] = (o, audit) =>
    this.bump(this.repo.putOverride(o, audit));
  deleteOverride: CatalogRepo["deleteOverride"] = (id, date, audit) =>
    this.bump(this.repo.deleteOverride(id, date, audit));
  listClosures: CatalogRepo["listClosures"] = () => this.repo.listClosures();
  createClosure: CatalogRepo["createClosure"] = (c, audit) =>
    this.bump(this.repo.createClosure(c, audit));
  deleteClosure: CatalogRepo["deleteClosure"] = (id, audit) =>
    this.bump(this.repo.deleteClosure(id, audit));
}
