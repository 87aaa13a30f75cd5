// The ECharts the pages draw with: bar, line, pie and graph charts on a grid, with tooltips,
// legends (plain and scrolling), and labels that hide where they would overlap, on a canvas.
// A page that draws something else adds its chart or component here and rebuilds (README.md).
import * as echarts from "echarts/core";
import { BarChart, GraphChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  GraphChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  LabelLayout,
  CanvasRenderer,
]);

window.echarts = echarts;
